/* A libvirt domain's life on any connection (the tests use
 * test:///default): creation, validated against libvirt's schema; the
 * vCPUs' pins read back; the console watched for the guest's ready
 * marker; the wait for power-off; destruction. */
#ifndef HPCSIM_CALIBRATE_KVM_DOMAIN_H
#define HPCSIM_CALIBRATE_KVM_DOMAIN_H

#include <stddef.h>
#include <libvirt/libvirt.h>

#include "backend.h"

#define HC_KVM_CONSOLE_CAP (256 * 1024) /* bytes of a guest's console kept */

/* Times of one boot, in seconds from virDomainCreateXML's call. */
typedef struct hc_boot_times {
    double created; /* virDomainCreateXML returned */
    double ready;   /* the guest printed its ready marker; < 0 if never */
    double shutoff; /* the domain was gone */
} hc_boot_times;

/* libvirt's last error message, never NULL. */
const char *hc_kvm_last_error(void);

int hc_kvm_create(virConnectPtr conn, const char *xml, virDomainPtr *dom, hs_error *err);
/* Checks the vCPUs' CPU affinity as the running domain reports it. */
int hc_kvm_check_pins(virDomainPtr dom, const hc_node_place *place, enum hc_layout layout, hs_error *err);
/* 1 when the domain is shut off or gone, 0 while it runs, -1 when
 * libvirt cannot tell. */
int hc_kvm_gone(virDomainPtr dom);
/* Watches `console` (may be NULL) into buf until the ready marker
 * (until_ready) or until the domain is gone; gives up after timeout
 * seconds from t0 (hc_now() when creation was asked) or on a stop
 * request. */
int hc_kvm_watch(virDomainPtr dom, const char *console, double t0, double timeout, int until_ready, hc_boot_times *t,
                 char *buf, size_t cap, hs_error *err);
/* Waits until the domain is gone (shut off or destroyed), watching
 * `console` for the ready marker; destroys it after timeout seconds. */
int hc_kvm_wait(virDomainPtr dom, const char *console, double t0, double timeout, hc_boot_times *t, hs_error *err);
/* Destroys a domain if it still runs; frees the handle. */
void hc_kvm_destroy(virDomainPtr dom);

#endif
