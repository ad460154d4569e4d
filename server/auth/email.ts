/**
 * The one form of an email address that accounts, invites, sign-in and its limiter all compare: surrounding spaces
 * (a paste from a mail client) and letter case never make a second account or a fresh set of sign-in tries.
 */
export const normalisedEmail = (email: string): string => email.trim().toLowerCase();
