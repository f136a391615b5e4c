/**
 * The renderer side of the contract, transport-agnostic: the Electron preload bridge and the browser
 * mode's fetch + WebSocket each supply an ApiTransport; this turns it into a PlatformApi that validates
 * every result and pushed message (the receiving side validates) and rethrows errors with their codes.
 */
import type { z } from 'zod';
import { formatJsonPath } from '../graph/errors.js';
import type { PlatformApi, Unsubscribe } from './api.js';
import { API_CONTRACT, API_METHOD_NAMES, PUSH_CHANNELS, type ApiMethodName } from './contract.js';
import { apiEnvelopeSchema, PlatformApiError } from './errors.js';
import { menuActionSchema, engineEventSchema } from './events.js';

export interface ApiTransport {
  /** Sends the call; resolves to the raw reply (an ApiEnvelope, unvalidated). */
  invoke(method: ApiMethodName, channel: string, args: readonly unknown[]): Promise<unknown>;
  /** Delivers raw payloads pushed on a channel. */
  subscribe(channel: string, handler: (payload: unknown) => void): Unsubscribe;
}

export interface ClientOptions {
  /** A pushed message failed validation and was dropped (log it). */
  onInvalidMessage?: (channel: string, error: PlatformApiError) => void;
}

function invalid(what: string, error: z.ZodError): PlatformApiError {
  return new PlatformApiError({
    code: 'invalid-response',
    message: `${what} does not match the API contract: ${error.issues.map((i) => `${formatJsonPath(i.path) || 'value'}: ${i.message}`).join('; ')}`,
    hint: 'The app and its engine may be different versions; restart LoRA Studio.',
    issues: error.issues.map((i) => ({ path: formatJsonPath(i.path), message: i.message })),
  });
}

async function call(transport: ApiTransport, name: ApiMethodName, args: readonly unknown[]): Promise<unknown> {
  const contract = API_CONTRACT[name];
  const envelope = apiEnvelopeSchema.safeParse(await transport.invoke(name, contract.channel, args));
  if (!envelope.success) throw invalid(`The reply to ${name}`, envelope.error);
  if (!envelope.data.ok) throw new PlatformApiError(envelope.data.error);
  const result = (contract.result as z.ZodType).safeParse(envelope.data.value);
  if (!result.success) throw invalid(`The result of ${name}`, result.error);
  return result.data;
}

function subscription<T>(transport: ApiTransport, channel: string, schema: z.ZodType<T>, listener: (value: T) => void, options: ClientOptions): Unsubscribe {
  return transport.subscribe(channel, (payload) => {
    const parsed = schema.safeParse(payload);
    if (parsed.success) listener(parsed.data);
    else options.onInvalidMessage?.(channel, invalid(`A message on ${channel}`, parsed.error));
  });
}

export function createPlatformApi(transport: ApiTransport, options: ClientOptions = {}): PlatformApi {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of API_METHOD_NAMES) methods[name] = (...args) => call(transport, name, args);
  const subscriptions: Pick<PlatformApi, 'onEngineEvent' | 'onMenuAction'> = {
    onEngineEvent: (listener) => subscription(transport, PUSH_CHANNELS.engineEvent, engineEventSchema, listener, options),
    onMenuAction: (listener) => subscription(transport, PUSH_CHANNELS.menuAction, menuActionSchema, listener, options),
  };
  // The loop above builds exactly the contract's methods; ApiHandlers ≡ Pick<PlatformApi, ApiMethodName> is checked in api.ts.
  return { ...(methods as unknown as Omit<PlatformApi, 'onEngineEvent' | 'onMenuAction'>), ...subscriptions };
}
