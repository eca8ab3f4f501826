/* Model files: a complete file reads back field by field and round-trips
 * through the writer; each kind of bad file is refused with a message
 * naming the file and the field at fault, and nothing is kept; every
 * number of the shipped literature model has a source. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/model.h"
#include "testlib.h"

static const char good[] =
    "{\"format\": 1, \"provenance\": {\"source\": \"test\"},\n"
    " \"backends\": [\n"
    "  {\"name\": \"native\", \"overhead\": {\"cpu\": {\"median\": 1, \"ci\": [1, 1], \"n\": 3}}},\n"
    "  {\"name\": \"kvm\", \"layout\": \"vtune\", \"emulated\": true,\n"
    "   \"overhead\": {\"io\": {\"median\": 2.0, \"ci\": [1.8, 2.3], \"n\": 10, \"benchmark\": \"disk\"}},\n"
    "   \"interference\": {\"memory\": [{\"corunner\": \"mem\", \"host\": \"idle\", \"a\": 0.3, \"b\": 0.8,\n"
    "      \"b_fixed\": false, \"cov\": [[0.01, -0.002], [-0.002, 0.04]], \"chi2_dof\": 1.1, \"points\": 40, \"k_max\": 4}]},\n"
    "   \"noise\": {\"mu\": 0.001, \"sigma\": 0.03, \"n\": 80},\n"
    "   \"launch\": {\"n\": 10, \"quantiles\": [[0.05, 1.5], [0.5, 2.0], [0.95, 4.5]]}}]}\n";

START_TEST(reads_every_field_and_round_trips)
{
    const char *dir = tl_tmpdir("model");
    const char *path = tl_write(dir, "good.json", good);
    hs_model m;
    hs_error err;
    ck_assert_msg(hs_model_load(&m, path, &err) == 0, "%s", err.text);
    ck_assert_uint_eq(m.nbackends, 2);
    const hs_backend_model *k = hs_model_backend(&m, "kvm");
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(k->layout, "vtune");
    ck_assert(k->emulated);
    ck_assert(k->overhead[HS_PROFILE_IO].known && !k->overhead[HS_PROFILE_CPU].known);
    ck_assert_double_eq(k->overhead[HS_PROFILE_IO].hi, 2.3);
    ck_assert_str_eq(k->overhead[HS_PROFILE_IO].benchmark, "disk");
    ck_assert_uint_eq(k->ncurves[HS_PROFILE_MEMORY], 1);
    ck_assert_double_eq(k->curves[HS_PROFILE_MEMORY][0].cov[0][1], -0.002);
    ck_assert_uint_eq(k->curves[HS_PROFILE_MEMORY][0].k_max, 4);
    ck_assert_double_eq(k->noise_sigma, 0.03);
    ck_assert_uint_eq(k->nquantiles, 3);
    ck_assert_double_eq(k->launch_q[2][1], 4.5);
    ck_assert_ptr_null(hs_model_backend(&m, "lxc"));
    /* written and read again: the same model */
    char again[1200];
    snprintf(again, sizeof again, "%s/again.json", dir);
    ck_assert_int_eq(hs_model_write(&m, again, &err), 0);
    hs_model b;
    ck_assert_msg(hs_model_load(&b, again, &err) == 0, "%s", err.text);
    ck_assert_uint_eq(b.nbackends, 2);
    ck_assert_str_eq(b.provenance, m.provenance);
    ck_assert_mem_eq(&b.backends[1], &m.backends[1], sizeof b.backends[1]);
    /* and written again from that: the same bytes */
    char third[1200];
    snprintf(third, sizeof third, "%s/third.json", dir);
    ck_assert_int_eq(hs_model_write(&b, third, &err), 0);
    char *x = tl_read(again, NULL), *y = tl_read(third, NULL);
    ck_assert_str_eq(x, y);
    free(x);
    free(y);
    hs_model_free(&b);
    hs_model_free(&m);
}
END_TEST

/* Replaces the first occurrence of `from` in the good file. */
static const char *bad_file(const char *dir, const char *name, const char *from, const char *to)
{
    static char text[sizeof good + 256];
    const char *at = strstr(good, from);
    ck_assert_msg(at != NULL, "'%s' is not in the good file", from);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
    return tl_write(dir, name, text);
}

START_TEST(bad_files_name_the_field)
{
    static const struct {
        const char *from, *to, *message;
    } cases[] = {
        {"{\"format\": 1,", "[", "not valid JSON"},
        {"\"format\": 1", "\"format\": 2", "format: expected 1, got another version"},
        {"\"format\": 1", "\"format\": \"1\"", "format: expected 1, got a string"},
        {"\"provenance\": {\"source\": \"test\"}", "\"provenance\": [1]", "provenance: expected an object, got an array"},
        {"\"median\": 2.0", "\"median\": \"2.0\"", "backends[1].overhead.io.median: expected a number, got a string"},
        {"\"ci\": [1.8, 2.3]", "\"ci\": [2.1, 2.3]", "backends[1].overhead.io.ci: [2.1, 2.3] does not contain the median 2"},
        {"\"sigma\": 0.03", "\"sigma\": -0.03", "backends[1].noise.sigma: -0.03 is out of range"},
        {"[0.5, 2.0]", "[0.5, 1.0]", "backends[1].launch.quantiles[1]: probabilities must rise"},
        {"\"name\": \"kvm\"", "\"name\": \"native\"", "backends[1].name: 'native' is already backends[0]"},
        {"\"memory\": [", "\"memroy\": [", "backends[1].interference.memroy: not a profile"},
        {"[-0.002, 0.04]", "[0.002, 0.04]", "backends[1].interference.memory[0].cov: not a covariance matrix"},
        {"\"emulated\": true", "\"emulated\": 1", "backends[1].emulated: expected true or false, got an integer"},
        {"\"noise\":", "\"noize\":", "backends[1].noize: unknown key"},
        {"\"n\": 3", "\"n\": 0", "backends[0].overhead.cpu.n: expected a positive integer"},
        {"\"a\": 0.3", "\"a\": -1.5", "backends[1].interference.memory[0].a: -1.5 is out of range"},
    };
    const char *dir = tl_tmpdir("model-bad");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "bad%zu.json", i);
        const char *path = bad_file(dir, name, cases[i].from, cases[i].to);
        hs_model m;
        hs_error err;
        ck_assert_msg(hs_model_load(&m, path, &err) == -1, "case %zu accepted", i);
        ck_assert_str_eq(err.source, path);
        ck_assert_msg(strstr(err.text, cases[i].message) != NULL, "case %zu: '%s' lacks '%s'", i, err.text,
                      cases[i].message);
        ck_assert_uint_eq(m.nbackends, 0); /* nothing kept */
        ck_assert_ptr_null(m.provenance);
    }
    hs_model m;
    hs_error err;
    ck_assert_int_eq(hs_model_load(&m, "/nonexistent/model.json", &err), -1);
}
END_TEST

/* The models shipped in models/data load, and say where they come from. */
START_TEST(shipped_models_load)
{
    hs_model m;
    hs_error err;
    ck_assert_msg(hs_model_load(&m, HS_MODELS "/literature.json", &err) == 0, "%s: %s", err.source, err.text);
    const hs_backend_model *kvm = hs_model_backend(&m, "kvm"), *lxc = hs_model_backend(&m, "lxc");
    ck_assert(kvm && lxc);
    ck_assert_double_eq(kvm->overhead[HS_PROFILE_IO].median, 2.0); /* Felter et al.: half the IOPS */
    ck_assert(strstr(m.provenance, "RC25482") != NULL);
    hs_model_free(&m);
    ck_assert_msg(hs_model_load(&m, HS_MODELS "/this-host-example.json", &err) == 0, "%s: %s", err.source, err.text);
    ck_assert(strstr(m.provenance, "EXAMPLE, not a reference") != NULL);
    ck_assert_ptr_nonnull(hs_model_backend(&m, "lxc"));
    hs_model_free(&m);
}
END_TEST

static const char *text_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v && v[0] ? v : NULL;
}

/* The entry of provenance.values for one number, checked: a citation the
 * file lists, the figure as published, the benchmark and the hardware. */
static void sourced(json_t *values, json_t *citations, const char *key)
{
    json_t *v = json_object_get(values, key);
    ck_assert_msg(json_is_object(v), "literature.json: %s has no entry in provenance.values", key);
    const char *src = text_of(v, "source");
    ck_assert_msg(src && text_of(citations, src), "literature.json: %s: source '%s' is not a citation", key,
                  src ? src : "(none)");
    static const char *const fields[] = {"figure", "benchmark", "hardware"};
    for (int i = 0; i < 3; i++)
        ck_assert_msg(text_of(v, fields[i]), "literature.json: %s: no %s", key, fields[i]);
}

/* Every number of literature.json has a source with its benchmark and
 * hardware, every entry of provenance.values stands for a number the file
 * has, and the platforms without one are said to have none. */
START_TEST(literature_numbers_have_sources)
{
    json_error_t jerr;
    json_t *root = json_load_file(HS_MODELS "/literature.json", 0, &jerr);
    ck_assert_msg(root != NULL, "literature.json: %s", jerr.text);
    json_t *prov = json_object_get(root, "provenance"), *values = json_object_get(prov, "values");
    json_t *citations = json_object_get(prov, "citations"), *no_data = json_object_get(prov, "no_data");
    ck_assert_str_eq(text_of(prov, "source"), "literature");
    size_t i;
    json_t *b;
    unsigned numbers = 0;
    json_array_foreach(json_object_get(root, "backends"), i, b)
    {
        const char *name = text_of(b, "name"), *prof;
        json_t *o;
        char key[96];
        json_object_foreach(json_object_get(b, "overhead"), prof, o)
        {
            snprintf(key, sizeof key, "%s.overhead.%s", name, prof);
            sourced(values, citations, key);
            numbers++;
        }
        if (json_object_get(b, "launch")) {
            snprintf(key, sizeof key, "%s.launch", name);
            sourced(values, citations, key);
            numbers++;
        }
        ck_assert_msg(!json_object_get(b, "interference") && !json_object_get(b, "noise"),
                      "literature.json: %s: published work gives no curves or noise we could use", name);
        ck_assert_msg(!json_object_get(no_data, name), "literature.json: %s has numbers and a no_data entry", name);
    }
    ck_assert_uint_eq(json_object_size(values), numbers); /* no entry without its number */
    static const char *const none[] = {"singularity", "kubevirt", "xen-hvm", "xen-pv"};
    for (size_t k = 0; k < sizeof none / sizeof none[0]; k++)
        ck_assert_msg(text_of(no_data, none[k]), "literature.json: provenance.no_data says nothing of %s", none[k]);
    json_decref(root);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, reads_every_field_and_round_trips);
    tcase_add_test(tc, bad_files_name_the_field);
    tcase_add_test(tc, shipped_models_load);
    tcase_add_test(tc, literature_numbers_have_sources);
    suite_add_tcase(s, tc);
    return tl_run_suite(s);
}
