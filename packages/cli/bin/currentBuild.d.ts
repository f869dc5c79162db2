/** The bundle's entry in `dir` when every file it was built from is unchanged since; undefined otherwise. */
export function currentBuild(dir: string): string | undefined;
