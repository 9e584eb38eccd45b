// The version /version reports and --version prints.
export const VERSION = 'open-local-ts scheduler-extender 0.1.0';
