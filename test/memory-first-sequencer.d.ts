// Types for the test sequencer, a plain JS file because Jest loads it before any transform.
export function usesMemoryProbe(path: string, seen?: Map<string, boolean>): boolean;
export function memoryFirst<T extends { path: string }>(tests: T[]): T[];
export default class MemoryFirstSequencer {}
