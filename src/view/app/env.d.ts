/** The re-execution worker's bundle, as text (scripts/build.mjs puts it in the player). */
declare module 'tc:worker-source' {
  const source: string;
  export default source;
}
