import { AwsError } from '../aws-error.js';

/*
 * IAM's errors, by their query codes and HTTP statuses in the IAM model
 * (@aws-sdk/client-iam: NoSuchEntity 404, EntityAlreadyExists 409, DeleteConflict 409,
 * LimitExceeded 409, MalformedPolicyDocument 400, InvalidInput 400). ValidationError is
 * not in the model: it is the 400 AWS answers when a parameter breaks the model's
 * constraints, which the SDK raises as an IAMServiceException named ValidationError.
 */

/** A role or role policy that does not exist. */
export function noSuchEntity(message: string): AwsError {
  return new AwsError('NoSuchEntity', message, 404);
}

/** A role whose name (compared without case) is taken. */
export function entityAlreadyExists(message: string): AwsError {
  return new AwsError('EntityAlreadyExists', message, 409);
}

/** A role that still has what must be removed first (its inline policies). */
export function deleteConflict(message: string): AwsError {
  return new AwsError('DeleteConflict', message, 409);
}

/** A quota of the account or role (tags per role, inline policy size). */
export function limitExceeded(message: string): AwsError {
  return new AwsError('LimitExceeded', message, 409);
}

/** A policy document that is not a JSON policy. */
export function malformedPolicyDocument(message: string): AwsError {
  return new AwsError('MalformedPolicyDocument', message);
}

/** A request IAM itself refuses after its constraints passed (duplicate tag keys). */
export function invalidInput(message: string): AwsError {
  return new AwsError('InvalidInput', message);
}

/** One or more parameters break the model's constraints. */
export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message);
}
