import { StoreError } from "./errors.ts";

/** The conditional write found the item not as expected; the caller decides what that means. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** A StoreError naming the operation, with a missing table said plainly; the SDK error stays the cause. */
export function storeError(operation: string, tableName: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const reason = error instanceof Error && error.name === "ResourceNotFoundException" ? `table ${tableName} does not exist` : errorText(error);
  return new StoreError(`${operation}: ${reason}`, { cause: error });
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
