// Types of the packages the CLI bundles that ship none: what tc uses of them.

declare module 'bytes' {
  /** `100MB`, `1.5gb`, `512kb`, `1024` to bytes (powers of 1024); null when it is not a size. */
  export function parse(value: string | number): number | null;
}

declare module 'cli-progress' {
  export interface Options {
    stream?: NodeJS.WritableStream;
    format?: string;
    barsize?: number;
    hideCursor?: boolean;
    etaBuffer?: number;
    fps?: number;
  }
  export class SingleBar {
    constructor(options: Options);
    start(total: number, startValue: number, payload?: Record<string, unknown>): void;
    update(value: number, payload?: Record<string, unknown>): void;
    setTotal(total: number): void;
    getTotal(): number;
    stop(): void;
  }
}
