// A `.model` file imported as its text (esbuild's `text` loader for `.model`, scripts/build.mjs).
declare module '*.model' {
  const text: string;
  export default text;
}
