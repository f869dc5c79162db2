/**
 * What no human-facing output may carry raw: anything below space but the line feed that separates
 * its lines, DEL, C1, the separators and the bidirectional controls. Written out here, apart from the
 * sanitizer, so the tests do not judge the sanitizer by its own definition.
 */
export const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
