/* Kubernetes resource quantities ("2", "500m", "1.5", "4Gi", "1G") as
 * the model's units: milli-CPU for cpu, bytes for memory, milli-GPU for
 * GPUs (docs/volcano.md "Resources"). */
#ifndef HPCSIM_VOLCANO_QUANTITY_H
#define HPCSIM_VOLCANO_QUANTITY_H

/* dim is a VC_* dimension; -1 when the text is not a quantity. */
int vc_quantity_parse(const char *text, int dim, double *out);

#endif
