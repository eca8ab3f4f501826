#include "testlib.h"
static Suite *make(void) { return suite_create("engine"); }
int main(void) { return tl_run_suite(make()); }
