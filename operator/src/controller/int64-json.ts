/**
 * JSON with exact int64 numbers. IPAddressPool status counters are int64 (MetalLB reports
 * MaxInt64 for huge IPv6 pools), which a JS number cannot carry; bigints are written as bare
 * digits instead. The generated client would JSON.stringify a bigint body and throw, so
 * {@link int64BodyOptions} swaps the serialized text in as request middleware: the request
 * still goes through the client's (pooled) connection and auth path, and fails with its
 * ApiException, mapped by lib/k8s/api-errors.ts like every other call.
 */
import { Observable, setHeaderOptions, type ConfigurationOptions, type RequestContext, type ResponseContext } from '@kubernetes/client-node';

const MARK = '\u0000int64:';

/** `JSON.stringify` where every bigint becomes an exact JSON integer. */
export function int64Json(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v));
  return text.replace(/"\\u0000int64:(-?\d+)"/g, '$1');
}

/**
 * Request options that send `value` as the body (int64-exact JSON) with `contentType`,
 * whatever placeholder body the API method was given.
 */
export function int64BodyOptions(value: unknown, contentType: string): ConfigurationOptions {
  const text = int64Json(value);
  const options = setHeaderOptions('Content-Type', contentType);
  return {
    ...options,
    middleware: [...(options.middleware ?? []), {
      // The client's middleware speaks its small Observable (as setHeaderOptions' does).
      pre: (ctx: RequestContext) => {
        ctx.setBody(text);
        return new Observable(Promise.resolve(ctx));
      },
      post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
    }],
  };
}
