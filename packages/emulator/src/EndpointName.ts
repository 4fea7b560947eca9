/**
 * Every endpoint path any dialect serves, by the path segment a client posts to. A dialect serves a subset
 * (see `dialects/`); the others answer with that provider's "no such method". The order is fixed: fault
 * scopes are bit masks over it, so new names go at the end.
 */
export type EndpointName =
  | "createTask"
  | "getTaskResult"
  | "getBalance"
  | "feedbackTask"
  | "getToken"
  | "reportCorrect"
  | "reportIncorrect"
  | "reportCorrectRecaptcha"
  | "reportIncorrectRecaptcha"
  | "reportIncorrectImageCaptcha"
  | "reportIncorrectHcaptcha"
  | "reportIncorrectTokenCaptcha"

export const endpointNames: ReadonlyArray<EndpointName> = [
  "createTask",
  "getTaskResult",
  "getBalance",
  "feedbackTask",
  "getToken",
  "reportCorrect",
  "reportIncorrect",
  "reportCorrectRecaptcha",
  "reportIncorrectRecaptcha",
  "reportIncorrectImageCaptcha",
  "reportIncorrectHcaptcha",
  "reportIncorrectTokenCaptcha",
]
