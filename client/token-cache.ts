/**
 * Supplies the host's token (an HS256 JWT from the app's backend). Called
 * again with `forceRefresh` when the server answers UNAUTHENTICATED, so an
 * expired token is replaced without the app noticing.
 */
export type TokenProvider = (context: { forceRefresh: boolean }) => string | Promise<string>;

export class TokenCache {
  private token: Promise<string> | undefined;

  constructor(private readonly provider: TokenProvider) {}

  async headers(forceRefresh = false): Promise<{ authorization: string }> {
    if (forceRefresh || !this.token) {
      const next = Promise.resolve().then(() => this.provider({ forceRefresh }));
      this.token = next;
      next.catch(() => {
        if (this.token === next) this.token = undefined; // let the next call try again
      });
    }
    return { authorization: `Bearer ${await this.token}` };
  }
}
