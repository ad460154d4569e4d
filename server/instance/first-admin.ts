/** Tells the operator about the first admin, once, in whichever process created it (server or command). */
export function announceFirstAdmin(admin: { email: string; generatedPassword?: string } | undefined, print: (line: string) => void): void {
  if (!admin) return;
  if (!admin.generatedPassword) return print(`created the first admin ${admin.email}`);
  // Printed once, when it is made; change it after signing in.
  print(`\n  First admin: ${admin.email}\n  Password:    ${admin.generatedPassword}   (shown only now)\n`);
}
