// The triage console: pages over the findings API, built into static assets.
export {};
