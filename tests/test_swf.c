#include "testlib.h"
static Suite *make(void) { return suite_create("swf"); }
int main(void) { return tl_run_suite(make()); }
