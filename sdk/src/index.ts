/** Placeholder entry, replaced by the SDK's definePlugin and typed host API (issue: SDK). */
export {};
