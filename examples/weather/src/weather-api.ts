/** The weather logic every example server shares, whatever its SDK version: a stand-in for a real API. */
import { trace } from '@opentelemetry/api';

export const STATIONS = [
  { id: 'LIS', city: 'Lisbon', elevationMeters: 77 },
  { id: 'OSL', city: 'Oslo', elevationMeters: 94 },
  { id: 'NBO', city: 'Nairobi', elevationMeters: 1_795 },
  { id: 'YVR', city: 'Vancouver', elevationMeters: 4 },
] as const;

const tracer = trace.getTracer('weather-example');

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The upstream forecast call: 20 to 80 ms, deterministic per city, traced as a child span. */
export function fetchForecast(city: string, days: number): Promise<string> {
  return tracer.startActiveSpan('weather-api GET /forecast', async (span) => {
    span.setAttribute('weather.city', city);
    await sleep(20 + ((city.length * 17 + days * 7) % 60));
    span.end();
    const base = 10 + (city.length % 15);
    return `${city}: ${Array.from({ length: days }, (_, day) => `day ${day + 1} ${base + day}°C`).join(', ')}`;
  });
}

export function alertsFor(region: string): string {
  return region === 'north' ? 'storm warning until 18:00' : `no alerts for ${region}`;
}

/** The radar upstream is down: every call fails after a traced attempt. */
export function fetchRadarImage(station: string): Promise<never> {
  return tracer.startActiveSpan('radar-api GET /image', async (span) => {
    await sleep(5);
    const error = new Error(`radar station ${station} is offline`);
    span.recordException(error);
    span.end();
    throw error;
  });
}

const CONVERSIONS: Record<string, (value: number) => number> = {
  'celsius>fahrenheit': (value) => (value * 9) / 5 + 32,
  'fahrenheit>celsius': (value) => ((value - 32) * 5) / 9,
  'kph>mph': (value) => value / 1.609_344,
  'mph>kph': (value) => value * 1.609_344,
};

/** The converted value, or undefined for a pair of units it does not know. */
export function convert(value: number, from: string, to: string): number | undefined {
  const conversion = CONVERSIONS[`${from}>${to}`];
  return conversion === undefined ? undefined : Math.round(conversion(value) * 100) / 100;
}

export const REPORT_STEPS = 5;

export function briefPrompt(city: string): string {
  return `Give me a two-line weather brief for ${city}.`;
}
