/** Parses Prometheus text 0.0.4 and OpenMetrics 1.0.0 exposition into samples, for exact assertions. */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** The exemplar of an OpenMetrics sample: its labels and value. */
  readonly exemplar?: { readonly labels: Readonly<Record<string, string>>; readonly value: number };
}

function parseLabels(text: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let index = start + 1;
  while (text[index] !== '}') {
    const equals = text.indexOf('=', index);
    const name = text.slice(index, equals).trim();
    let value = '';
    index = equals + 2;
    while (text[index] !== '"') {
      if (text[index] === '\\') {
        const next = text[index + 1];
        value += next === 'n' ? '\n' : next;
        index += 2;
      } else {
        value += text[index];
        index++;
      }
    }
    labels[name] = value;
    index++;
    if (text[index] === ',') index++;
  }
  return { labels, end: index + 1 };
}

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace !== -1 && brace < space) {
      name = line.slice(0, brace);
      const parsed = parseLabels(line, brace);
      labels = parsed.labels;
      rest = line.slice(parsed.end).trim();
    } else {
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    const [valuePart = '', exemplarPart] = rest.split(' # ');
    const value = Number(valuePart.split(' ')[0]);
    if (exemplarPart === undefined) {
      samples.push({ name, labels, value });
    } else {
      const parsed = parseLabels(exemplarPart, exemplarPart.indexOf('{'));
      const exemplarValue = Number(exemplarPart.slice(parsed.end).trim().split(' ')[0]);
      samples.push({ name, labels, value, exemplar: { labels: parsed.labels, value: exemplarValue } });
    }
  }
  return samples;
}

/** Samples of one name whose labels include every given label. */
export function select(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Sample[] {
  return samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** The sum of the values of `select(...)`. */
export function total(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  return select(samples, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}
