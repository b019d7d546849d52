import type { HttpResponse, RequestContext } from '../http.js';
import type { Params } from '../params.js';
import type { SnsService } from './sns-service.js';

/** Serves one SNS query-protocol request (stub: filled in by the SNS work). */
export async function serveSnsQuery(_service: SnsService, params: Params, context: RequestContext): Promise<HttpResponse> {
  return { status: 400, headers: { 'content-type': 'text/xml' }, body: `<ErrorResponse><Error><Code>InvalidAction</Code><Message>${String(params.Action)}</Message></Error><RequestId>${context.requestId}</RequestId></ErrorResponse>` };
}
