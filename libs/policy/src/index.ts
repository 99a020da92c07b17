export * from './policy.types';
export * from './policy-files';
export { validatePolicyText, compilePolicySet, PolicySetError, MAX_POLICY_BYTES, ANNOTATIONS } from './policy-set';
export type { PolicyProblem, PolicySummary, PolicyTextReport, ProblemCode, ValidateOptions } from './policy-set';
export * from './policy-engine';
export { diffMatrix, defaultPrincipals, principalLabel } from './policy-matrix';
export type { MatrixCell, MatrixChange, MatrixOptions, MatrixRow, PolicyMatrix, PrincipalTemplate } from './policy-matrix';
export * from './retention';
export { acceptedIn } from './cedar-request';
