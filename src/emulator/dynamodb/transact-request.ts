import type { Params } from '../params.js';
import { actionValidations, dynaliteValidations, type ActionData, type ActionValidation, type DynaliteStore } from './dynalite.js';
import { asAwsError, validationException } from './wire.js';

/** The four kinds of action of a TransactWriteItems request, each validated as the single-item operation it resembles. */
const writeKinds = {
  ConditionCheck: actionValidations.deleteItem,
  Put: actionValidations.putItem,
  Update: actionValidations.updateItem,
  Delete: actionValidations.deleteItem,
} as const;

export type WriteKind = keyof typeof writeKinds;

/** One action of a transaction, checked and with its expressions parsed by dynalite. */
export interface TransactAction {
  tableName: string;
  /** The action as a request of its single-item operation (PutItem, UpdateItem, DeleteItem, GetItem). */
  data: ActionData;
}

export interface WriteAction extends TransactAction {
  kind: WriteKind;
  /** ReturnValuesOnConditionCheckFailure is ALL_OLD: a failed condition reports the item as it was. */
  returnOldItem: boolean;
}

export interface TransactWriteRequest {
  actions: WriteAction[];
  clientRequestToken: string | undefined;
}

// The request shapes in dynalite's type language, from the members of the single-item
// operations (dynamodb.service-2.json: TransactWriteItemsInput, TransactGetItemsInput).
// TransactItems holds 1 to 100 actions; dynalite's checks then phrase violations as AWS
// does ("Value '[…]' at 'transactItems' failed to satisfy constraint: Member must have
// length less than or equal to 100").
const expressionMembers = ['TableName', 'ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'];
const returnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
const requiredString = { type: 'String', notNull: true };

function membersOf(validation: ActionValidation, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, validation.types[name]]));
}

function writeActionShape(kind: WriteKind, names: string[], required: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: `FieldStruct<${kind}>`,
    children: { ...membersOf(writeKinds[kind], names), ...required, ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure },
  };
}

function transactItems(memberShape: string, members: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'List',
    notNull: true,
    lengthGreaterThanOrEqual: 1,
    lengthLessThanOrEqual: 100,
    children: { type: `ValueStruct<${memberShape}>`, children: members },
  };
}

const transactWriteTypes = {
  ClientRequestToken: { type: 'String', lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 36 },
  ReturnConsumedCapacity: actionValidations.putItem.types.ReturnConsumedCapacity,
  ReturnItemCollectionMetrics: actionValidations.putItem.types.ReturnItemCollectionMetrics,
  TransactItems: transactItems('TransactWriteItem', {
    ConditionCheck: writeActionShape('ConditionCheck', ['Key', ...expressionMembers], { ConditionExpression: requiredString }),
    Put: writeActionShape('Put', ['Item', ...expressionMembers]),
    Update: writeActionShape('Update', ['Key', 'UpdateExpression', ...expressionMembers], { UpdateExpression: requiredString }),
    Delete: writeActionShape('Delete', ['Key', ...expressionMembers]),
  }),
};

const transactGetTypes = {
  ReturnConsumedCapacity: actionValidations.getItem.types.ReturnConsumedCapacity,
  TransactItems: transactItems('TransactGetItem', {
    Get: {
      type: 'FieldStruct<Get>',
      notNull: true,
      children: membersOf(actionValidations.getItem, ['Key', 'TableName', 'ProjectionExpression', 'ExpressionAttributeNames']),
    },
  }),
};

/** Checks a TransactWriteItems request as AWS does before it runs anything. */
export function readTransactWrite(params: Params, store: DynaliteStore): TransactWriteRequest {
  const request = checked(params, transactWriteTypes, store);
  const actions = (request.TransactItems as ActionData[]).map((item): WriteAction => {
    const kinds = (Object.keys(writeKinds) as WriteKind[]).filter((kind) => item[kind] !== undefined);
    // AWS's words for an item with more than one; booksim says the same of an item with none.
    if (kinds.length !== 1) throw validationException('TransactItems can only contain one of Check, Put, Update or Delete');
    const kind = kinds[0]!;
    const { ReturnValuesOnConditionCheckFailure: returnValues, ...data } = item[kind] as ActionData;
    parseExpressions(writeKinds[kind], data, store);
    return { kind, tableName: data.TableName as string, data, returnOldItem: returnValues === 'ALL_OLD' };
  });
  return { actions, clientRequestToken: request.ClientRequestToken as string | undefined };
}

/** Checks a TransactGetItems request; answers its Gets as GetItem requests. */
export function readTransactGet(params: Params, store: DynaliteStore): TransactAction[] {
  const request = checked(params, transactGetTypes, store);
  return (request.TransactItems as ActionData[]).map((item) => {
    const data = item.Get as ActionData;
    parseExpressions(actionValidations.getItem, data, store);
    return { tableName: data.TableName as string, data };
  });
}

/** dynalite's type and constraint checks of a whole request, on a copy (they drop unknown members). */
function checked(params: Params, types: Record<string, unknown>, store: DynaliteStore): ActionData {
  try {
    const data = dynaliteValidations.checkTypes(structuredClone(params), types);
    dynaliteValidations.checkValidations(data, types, undefined, store);
    return data;
  } catch (error) {
    throw asAwsError(error);
  }
}

/** The single-item operation's own checks of one action, which also parse its expressions into `data`. */
function parseExpressions(validation: ActionValidation, data: ActionData, store: DynaliteStore): void {
  const message = validation.custom(data, store);
  if (message) throw validationException(message);
}
