#include "testlib.h"
static Suite *make(void) { return suite_create("traces"); }
int main(void) { return tl_run_suite(make()); }
