// Types of test-services.mjs, for the tests that import it.
export declare const ENGINE_USERS: string[];
export declare const WORKER_USERS: string[];
export declare function servicesFor(bundles: { inputs: string[] }[]): { engineServer: boolean; worker: boolean };
