// Types of bundle-tests.mjs, for the tests that import it.
export declare const BUNDLE_DIR: string;
export declare function bundlePath(file: string): string;
export declare function sourceOfBundle(path: string): string;
/** Each file's bundle, the packages it loads and its source inputs, bundling what is out of date. */
export declare function bundleTests(files: string[]): Promise<{ bundle: string; packages: string[]; inputs: string[] }[]>;
