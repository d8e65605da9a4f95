// A page whose browser reports a language that is no locale ('C': WebKitGTK with the locale unset)
// must still start: uPlot builds its number format from navigator.language when its module loads,
// and Intl throws on such a tag, which took the whole page down before React rendered anything.
// Imported first by main.tsx, before any module that formats.

/** The first of `tags` that Intl takes, or 'en-US'. */
export function usableLocale(tags: readonly string[]): string {
  for (const t of tags) {
    try {
      if (t && Intl.NumberFormat.supportedLocalesOf(t).length) return t;
    } catch {
      /* not a locale tag: try the next */
    }
  }
  return 'en-US';
}

if (typeof navigator !== 'undefined') {
  const lang = usableLocale([navigator.language, ...(navigator.languages ?? [])]);
  if (lang !== navigator.language) Object.defineProperty(navigator, 'language', { value: lang, configurable: true });
}
