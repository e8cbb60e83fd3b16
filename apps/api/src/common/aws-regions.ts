// The region list is an AWS fact: @tally/aws owns it.
export { AWS_REGIONS } from '@tally/aws';
