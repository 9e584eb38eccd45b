// The extender's own numbers. Names shared with the rest of Open-Local (driver names, annotations, topology key,
// parameter keys) are @openlocal/crd-types' constants.

export const MIN_SCORE = 0;
export const MAX_SCORE = 10;
