// One normalisation for names and for what people type: lower case, split on anything that is not a letter
// or digit (Unicode-aware, so "Åre Bygg" has the words "åre" and "bygg").
export function searchWords(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The stored form that `like '% word%'` matches word starts in. */
export function searchableName(name: string): string {
  return ` ${searchWords(name).join(' ')}`;
}
