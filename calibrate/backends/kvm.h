/* kvm: the node is a transient libvirt domain that boots the guest of
 * kvm_image.h, runs one benchmark, prints it on its serial console and
 * powers off (on_poweroff = destroy, so it is gone). Each run() is one
 * boot; a co-runner's spawn() boots a guest whose stressor runs until
 * teardown destroys it, paused and resumed with virDomainSuspend/Resume.
 * The backend's table is hc_backend_kvm (backend.h); its pieces:
 * kvm_connect.h (connection, virtualization type, probe), kvm_domain.h
 * (a domain's life), kvm_cleanup.h (what a kill leaves). */
#ifndef HPCSIM_CALIBRATE_KVM_H
#define HPCSIM_CALIBRATE_KVM_H

#include "backend.h"
#include "kvm_cleanup.h"
#include "kvm_connect.h"
#include "kvm_domain.h"

#endif
