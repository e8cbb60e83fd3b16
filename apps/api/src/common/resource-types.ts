import { SUPPORTED_RESOURCE_TYPES } from '@tally/aws';

/** The CloudFormation types a connection may ask for: the registry in @tally/aws is the source. */
export const RESOURCE_TYPES: readonly string[] = SUPPORTED_RESOURCE_TYPES;

/** A well-formed CloudFormation type name (for filters, where an unknown type simply matches nothing). */
export const RESOURCE_TYPE_PATTERN = /^[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$/;
