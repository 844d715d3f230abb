/** The help of every command's `--json`, worded once. */
export const JSON_OPTION_HELP = "print the service's JSON answer instead of a line for a person";
