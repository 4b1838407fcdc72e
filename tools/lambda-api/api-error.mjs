// The error answers of the loopback Lambda API: status, Lambda's error type (x-amzn-errortype) and message.
export class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

export const notFound = (message) => new ApiError(404, 'ResourceNotFoundException', message);
export const invalid = (message) => new ApiError(400, 'InvalidParameterValueException', message);
export const conflict = (message) => new ApiError(409, 'ResourceConflictException', message);
/** What Lambda answers when a field breaks its API model (range, enum, list length). */
export const validation = (field, value, constraint) =>
  new ApiError(400, 'ValidationException', `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`);
