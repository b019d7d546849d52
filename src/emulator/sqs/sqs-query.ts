import type { HttpResponse } from '../../http.js';
import { AwsError } from '../aws-error.js';
import type { RequestContext } from '../http.js';
import type { Operation } from '../json-protocol.js';
import { decodeQueryForm, unflatten, type FlattenedMember } from '../query-form.js';
import { serveQuery, type QueryServiceWire } from '../query-protocol.js';

/**
 * SQS's query protocol (form-encoded requests, XML answers), which SDKs spoke before the
 * JSON protocol (@aws-sdk/client-sqs up to 3.445.0, the AWS CLI v1, boto before 1.31.81).
 * The wire names below are the query model's `locationName`s, as those SDKs send and read
 * them: SQS flattens every list and map.
 */
const xmlns = 'http://queue.amazonaws.com/doc/2012-11-05/';

const mapEntry = { key: 'Name', value: 'Value' };
const tagEntry = { key: 'Key', value: 'Value' };
const batchActions = ['SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch'];

/** Flattened members that requests and results both carry: attribute maps, tags, list values. */
const sharedMembers: FlattenedMember[] = [
  { element: 'Attribute', member: 'Attributes', ...mapEntry },
  { element: 'MessageAttribute', member: 'MessageAttributes', ...mapEntry },
  { element: 'Tag', member: 'Tags', ...tagEntry },
  { element: 'StringListValue', member: 'StringListValues' },
  { element: 'BinaryListValue', member: 'BinaryListValues' },
];

/** Flattened members of requests, e.g. `Attribute.1.Name`, `AttributeName.1`, `SendMessageBatchRequestEntry.1.Id`. */
const requestMembers: FlattenedMember[] = [
  ...sharedMembers,
  { element: 'MessageSystemAttribute', member: 'MessageSystemAttributes', ...mapEntry },
  { element: 'AttributeName', member: 'AttributeNames' },
  { element: 'MessageAttributeName', member: 'MessageAttributeNames' },
  { element: 'MessageSystemAttributeName', member: 'MessageSystemAttributeNames' },
  { element: 'TagKey', member: 'TagKeys' },
  { element: 'AWSAccountId', member: 'AWSAccountIds' },
  { element: 'ActionName', member: 'Actions' },
  ...batchActions.map((action) => ({ element: `${action}RequestEntry`, member: 'Entries' })),
];

/** Flattened members of results, e.g. `<Message><Attribute><Name/><Value/></Attribute></Message>`. */
const resultMembers: FlattenedMember[] = [
  ...sharedMembers,
  { element: 'Message', member: 'Messages' },
  { element: 'QueueUrl', member: 'QueueUrls' },
  { element: 'QueueUrl', member: 'queueUrls' },
  { element: 'BatchResultErrorEntry', member: 'Failed' },
];

const sqsQueryWire: QueryServiceWire = {
  xmlns,
  flattened: (action) => [...resultMembers, { element: `${action}ResultEntry`, member: 'Successful' }],
  // The operations the API model gives no output: AWS answers them with ResponseMetadata only.
  resultless: new Set([
    'AddPermission', 'ChangeMessageVisibility', 'DeleteMessage', 'DeleteQueue', 'PurgeQueue',
    'RemovePermission', 'SetQueueAttributes', 'TagQueue', 'UntagQueue',
  ]),
  // The query protocol words a missing queue after its WSDL (as LocalStack's AWS-validated snapshots record).
  errorOf: (error) =>
    error.code === 'QueueDoesNotExist'
      ? new AwsError(error.code, 'The specified queue does not exist for this wsdl version.', error.status, error.queryCode)
      : error,
};

/** A queue URL's path, `/{account}/{name}`: query requests may be sent to it with QueueUrl left out. */
const queuePath = /^\/\d{12}\/[^/?]+$/;

/** Whether a request was sent to a queue URL rather than to the endpoint's root. */
export function isQueuePath(requestUrl: string): boolean {
  return queuePath.test(requestUrl.split('?')[0] ?? '');
}

/**
 * Serves one SQS query-protocol request with the same operations as the JSON protocol.
 * Parameters may come in the form body or the URL's query string (a GET, as AWS's
 * examples show); a request to a queue URL names that queue.
 */
export function serveSqsQuery(
  operations: Record<string, Operation>,
  requestUrl: string,
  body: string,
  context: RequestContext,
): Promise<HttpResponse> {
  const [path = '', query = ''] = requestUrl.split('?', 2);
  const params = unflatten(decodeQueryForm(`${query}&${body}`), requestMembers);
  if (params.QueueUrl === undefined && queuePath.test(path)) params.QueueUrl = `${context.origin}${path}`;
  return serveQuery(sqsQueryWire, operations, params, context);
}
