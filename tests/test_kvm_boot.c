/* Real guests on this host under QEMU TCG (the same code as KVM, type
 * 'qemu'): the kvm backend boots the guest image, runs compute and pipe,
 * and their JSON lines come back marked as emulated, for a node of the
 * kubevirt layout too; launch latency gives ready and gone times; a co-runner's guest pauses and resumes;
 * the same boots through qemu:///system with libvirtd and virtlogd
 * started (and stopped) by the test; and a `hpcsim-calibrate run` killed
 * with SIGKILL mid-boot is cleaned up by `cleanup`, leaving no QEMU.
 * Every wait is bounded. Needs root: otherwise each test says it skipped. */
#define _GNU_SOURCE
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/kvm.h"
#include "placement.h"
#include "testlib.h"

#define EMBED "qemu:///embed?root=" HC_KVM_EMBED_ROOT

static int skip_unless_root(void)
{
    if (geteuid() == 0)
        return 0;
    fprintf(stderr, "kvm_boot: skipped (needs root)\n");
    return 1;
}

static void node_on(hc_node *n, hc_state *st, const char *tag)
{
    memset(n, 0, sizeof *n);
    snprintf(n->name, sizeof n->name, HC_NAME_PREFIX "test-%s-%d", tag, (int)getpid());
    tl_last_cpu(n->cpuset, sizeof n->cpuset);
    n->numa = -1;
    n->state = st;
}

/* Runs one benchmark in a fresh guest and returns its result. */
static json_t *boot_bench(hc_node *n, const char *mode)
{
    char *argv[] = {HS_BENCH, (char *)mode, "seconds=0.3", NULL};
    char out[4096];
    hs_error err;
    int status = hc_backend_kvm.run(n, argv, 240, out, sizeof out, &err);
    ck_assert_msg(status >= 0, "%s: %s", mode, err.text);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: guest exit status %d", mode, status);
    ck_assert_msg(!hc_kvm_alive(n->name), "%s: QEMU still runs after power-off", mode);
    /* a stopped guest's machine cgroups go with it (after a kill they are
     * left behind, and cleanup removes them: killed_run_then_cleanup) */
    ck_assert_int_eq(hc_kvm_count_cgroups(n->name), 0);
    json_error_t jerr;
    json_t *j = json_loads(out, JSON_DISABLE_EOF_CHECK, &jerr);
    ck_assert_msg(j != NULL, "%s: not JSON: %s", mode, out);
    ck_assert_str_eq(json_string_value(json_object_get(j, "bench")), mode);
    ck_assert_msg(json_number_value(json_object_get(j, "value")) > 0, "%s: no value in %s", mode, out);
    ck_assert_str_eq(json_string_value(json_object_get(j, "virt")), "qemu");
    ck_assert(json_is_true(json_object_get(j, "emulated")));
    ck_assert(json_number_value(json_object_get(j, "boot_ms")) > 0);
    return j;
}

START_TEST(compute_and_pipe_in_a_tcg_guest)
{
    if (skip_unless_root())
        return;
    hc_kvm_configure(EMBED, "qemu", HS_BENCH, 256, false);
    hc_state st;
    hs_error err;
    ck_assert_int_eq(hc_state_open(&st, tl_tmpdir("kvm-boot"), &err), 0);
    hc_node n;
    node_on(&n, &st, "bench");
    ck_assert_msg(hc_backend_kvm.prepare(&n, &err) == 0, "%s", err.text);
    json_t *c = boot_bench(&n, "compute"), *p = boot_bench(&n, "pipe");
    json_decref(c);
    json_decref(p);
    /* a command a guest cannot run is refused before anything boots */
    char *bad[] = {"/bin/ls", NULL};
    char out[64];
    ck_assert_int_eq(hc_backend_kvm.run(&n, bad, 10, out, sizeof out, &err), -1);
    ck_assert_msg(strstr(err.text, "runs only hpcsim-bench") != NULL, "%s", err.text);
    hc_backend_kvm.teardown(&n);
    hc_state_close(&st);
    ck_assert_int_ge(hc_cleanup(st.workdir, NULL, &err), 0);
    ck_assert_int_eq(hc_leftovers(st.workdir, NULL), 0);
}
END_TEST

/* A node of the kubevirt layout (placement.h), booted for real: its
 * placement made on a 1-core SMT-2 description whose CPUs 0 and 1 this
 * host has (on a 2-core host without SMT the host's own topology is
 * refused: kubevirt needs sibling threads). The guest gets the layout's
 * topology (1 core × 2 threads), pins in sorted order, QEMU's threads on
 * the node's CPUs; libvirt reads the pins back before the benchmark runs,
 * and the result is marked emulated under TCG. */
START_TEST(kubevirt_layout_node_runs_a_benchmark)
{
    if (skip_unless_root())
        return;
    hc_kvm_configure(EMBED, "qemu", HS_BENCH, 256, false);
    hc_topology t;
    hs_error err;
    ck_assert_int_eq(hc_topology_load(&t, "pack:1 core:1 pu:2", &err), 0);
    hc_place_request req = {1, 2, HC_LAYOUT_KUBEVIRT, 0, 0};
    hc_placement pl;
    ck_assert_msg(hc_place(&t, &req, &pl, &err) == 0, "%s", err.text);
    hc_state st;
    ck_assert_int_eq(hc_state_open(&st, tl_tmpdir("kvm-kubevirt"), &err), 0);
    hc_node n;
    node_on(&n, &st, "kubevirt");
    snprintf(n.cpuset, sizeof n.cpuset, "%s", pl.nodes[0].cpuset);
    n.place = &pl.nodes[0];
    n.layout = HC_LAYOUT_KUBEVIRT;
    n.emulator_cpuset = hc_place_emulator(&pl, &pl.nodes[0]);
    ck_assert_str_eq(n.emulator_cpuset, "0-1");
    ck_assert_msg(hc_backend_kvm.prepare(&n, &err) == 0, "%s", err.text);
    json_t *j = boot_bench(&n, "compute");
    fprintf(stderr, "kvm_boot: kubevirt layout under TCG: compute %.4g %s\n",
            json_number_value(json_object_get(j, "value")), json_string_value(json_object_get(j, "unit")));
    json_decref(j);
    hc_backend_kvm.teardown(&n);
    hc_state_close(&st);
    ck_assert_int_ge(hc_cleanup(st.workdir, NULL, &err), 0);
    ck_assert_int_eq(hc_leftovers(st.workdir, NULL), 0);
    hc_placement_free(&pl);
    hc_topology_free(&t);
}
END_TEST

START_TEST(launch_ready_then_gone)
{
    if (skip_unless_root())
        return;
    hc_kvm_configure(EMBED, "qemu", HS_BENCH, 256, false);
    hc_state st;
    hs_error err;
    ck_assert_int_eq(hc_state_open(&st, tl_tmpdir("kvm-launch"), &err), 0);
    hc_node n;
    node_on(&n, &st, "launch");
    double ready, gone;
    ck_assert_msg(hc_backend_kvm.launch(&n, &ready, &gone, &err) == 0, "%s", err.text);
    ck_assert_msg(ready > 0 && gone > ready && gone < 240, "ready %.3f s, gone %.3f s", ready, gone);
    fprintf(stderr, "kvm_boot: TCG launch: ready %.2f s, gone %.2f s after creation\n", ready, gone);
    ck_assert(!hc_kvm_alive(n.name));
    hc_state_close(&st);
}
END_TEST

/* Through the backend's own connection: one embedded driver per process. */
static int domain_state(const char *name)
{
    virConnectPtr c = hc_kvm_connection();
    virDomainPtr d = c ? virDomainLookupByName(c, name) : NULL;
    int state = -1, reason;
    if (d) {
        virDomainGetState(d, &state, &reason, 0);
        virDomainFree(d);
    }
    return state;
}

START_TEST(corunner_guest_pauses_and_resumes)
{
    if (skip_unless_root())
        return;
    hc_kvm_configure(EMBED, "qemu", HS_BENCH, 256, false);
    hc_state st;
    hs_error err;
    ck_assert_int_eq(hc_state_open(&st, tl_tmpdir("kvm-spawn"), &err), 0);
    hc_node n;
    node_on(&n, &st, "stress");
    ck_assert_msg(hc_backend_kvm.prepare(&n, &err) == 0, "%s", err.text);
    char *argv[] = {HS_BENCH, "stress", "kind=cpu", NULL};
    pid_t pid = -1;
    ck_assert_msg(hc_backend_kvm.spawn(&n, argv, &pid, &err) == 0, "%s", err.text);
    ck_assert_int_eq(pid, 0); /* nothing for the caller to kill: teardown ends it */
    ck_assert(hc_kvm_alive(n.name));
    ck_assert_int_eq(hc_backend_kvm.set_running(&n, 0, 0), 0);
    ck_assert_int_eq(domain_state(n.name), VIR_DOMAIN_PAUSED);
    ck_assert_int_eq(hc_backend_kvm.set_running(&n, 0, 1), 0);
    ck_assert_int_eq(domain_state(n.name), VIR_DOMAIN_RUNNING);
    hc_backend_kvm.teardown(&n);
    ck_assert(!hc_kvm_alive(n.name));
    hc_state_close(&st);
}
END_TEST

/* Starts a daemon in the foreground as our child. */
static pid_t start(const char *prog)
{
    pid_t pid = fork();
    if (pid == 0) {
        execlp(prog, prog, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void stop(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 500 && waitpid(pid, NULL, WNOHANG) == 0; i++)
        usleep(10000);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

START_TEST(the_same_through_libvirtd)
{
    if (skip_unless_root())
        return;
    /* a libvirtd already answering is used as it is; else ours */
    virConnectPtr probe = virConnectOpen("qemu:///system");
    pid_t logd = 0, daemon = 0;
    if (probe) {
        virConnectClose(probe);
    } else {
        logd = start("virtlogd");
        daemon = start("libvirtd");
        for (int i = 0; i < 300 && !(probe = virConnectOpen("qemu:///system")); i++)
            usleep(50000);
        ck_assert_msg(probe != NULL, "libvirtd did not answer within 15 s");
        virConnectClose(probe);
    }
    hc_kvm_configure("qemu:///system", "qemu", HS_BENCH, 256, false);
    hc_state st;
    hs_error err;
    ck_assert_int_eq(hc_state_open(&st, tl_tmpdir("kvm-system"), &err), 0);
    hc_node n;
    node_on(&n, &st, "system");
    int ok = hc_backend_kvm.prepare(&n, &err) == 0;
    json_t *j = ok ? boot_bench(&n, "compute") : NULL;
    hc_backend_kvm.teardown(&n);
    json_decref(j);
    hc_state_close(&st);
    stop(daemon);
    stop(logd);
    ck_assert_msg(ok, "%s", err.text);
}
END_TEST

/* Kills `hpcsim-calibrate run` once its first guest's QEMU runs, then
 * `cleanup` must leave no QEMU of that run. */
START_TEST(killed_run_then_cleanup)
{
    if (skip_unless_root())
        return;
    const char *dir = tl_tmpdir("kvm-killed");
    char workdir[1200];
    snprintf(workdir, sizeof workdir, "%s/work", dir);
    pid_t pid = fork();
    if (pid == 0) {
        execl(HS_CALIBRATE, HS_CALIBRATE, "run", "--workdir", workdir, "--backends", "kvm", "--benches", "compute",
              "--max-corunners", "0", "--host-levels", "idle", "--reps", "1", "--virt", "qemu", "--libvirt", EMBED,
              "--bench-bin", HS_BENCH, "--guest-memory", "256", (char *)NULL);
        _exit(127);
    }
    /* the state file names the domain before it exists */
    char state_path[1300], line[1024], name[200] = "";
    snprintf(state_path, sizeof state_path, "%s/state", workdir);
    for (int i = 0; i < 1200 && !(name[0] && hc_kvm_alive(name)); i++) {
        FILE *f = fopen(state_path, "r");
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "kvm ", 4) == 0 && strchr(line + 4, ' '))
                sscanf(strchr(line + 4, ' ') + 1, "%199s", name);
        if (f)
            fclose(f);
        usleep(50000);
    }
    ck_assert_msg(name[0] && hc_kvm_alive(name), "no guest of the run appeared within 60 s");
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ck_assert_msg(hc_kvm_alive(name), "the guest died with the run: nothing left to test");
    pid_t c = fork();
    if (c == 0) {
        execl(HS_CALIBRATE, HS_CALIBRATE, "cleanup", "--workdir", workdir, (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(c, &status, 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "cleanup failed (status %d)", status);
    ck_assert_msg(!hc_kvm_alive(name), "QEMU of %s survived cleanup", name);
    ck_assert_int_eq(hc_leftovers(workdir, NULL), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kvm_boot");
    TCase *tc = tcase_create("tcg");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, compute_and_pipe_in_a_tcg_guest);
    tcase_add_test(tc, kubevirt_layout_node_runs_a_benchmark);
    tcase_add_test(tc, launch_ready_then_gone);
    tcase_add_test(tc, corunner_guest_pauses_and_resumes);
    tcase_add_test(tc, the_same_through_libvirtd);
    tcase_add_test(tc, killed_run_then_cleanup);
    suite_add_tcase(s, tc);
    return tl_run_suite(s);
}
