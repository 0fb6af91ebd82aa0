/** A pino destination in memory: every line pino writes, as written. */
export class LogSink {
  readonly chunks: string[] = [];

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }

  /** The raw text, exactly as pino produced it. */
  text(): string {
    return this.chunks.join('');
  }

  /** Each line parsed as JSON; throws if one is not exactly one JSON object. */
  lines(): Record<string, unknown>[] {
    return parseLogLines(this.text());
  }
}

/** Splits on newlines and parses each line; a line that is not one JSON object fails loudly. */
export function parseLogLines(text: string): Record<string, unknown>[] {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('log text does not end with a newline');
  const lines = text.split('\n').slice(0, -1);
  return lines.map((line, index) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new Error(`log line ${index} is not JSON: ${String(error)}: ${line.slice(0, 200)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`log line ${index} is not a JSON object: ${line.slice(0, 200)}`);
    }
    return parsed as Record<string, unknown>;
  });
}

/** A pino destination that keeps no lines, only counts them and checks each is one JSON object. */
export class CountingSink {
  lines = 0;
  invalid = 0;

  write(chunk: string): boolean {
    for (const line of chunk.split('\n')) {
      if (line.length === 0) continue;
      this.lines++;
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) this.invalid++;
      } catch {
        this.invalid++;
      }
    }
    return true;
  }
}
