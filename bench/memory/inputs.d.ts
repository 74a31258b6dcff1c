// Shape of the generated module the memory bench bundles in (bench/memory/bench.ts).
declare const inputs: { config: unknown; texts: Record<string, string>; frames: string; stepMs: number };
export default inputs;
