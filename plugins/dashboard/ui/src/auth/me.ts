/** The signed-in user as `GET /api/v1/security/me` answers. */
export interface Me {
  id: string;
  username: string;
  roles: string[];
  permissions: string[];
  denied: string[];
  disabled?: boolean;
}

/** What sign-in and refresh answer to the dashboard: the refresh token itself went into the HttpOnly cookie. */
export interface TokenPair {
  accessToken: string;
  expiresIn: number;
  refreshCookie: true;
  refreshExpiresAt: string;
}

/** Admins (who hold `*` or `security:admin`) are signed out after 15 minutes without activity. */
export function isAdmin(me: Me): boolean {
  return (
    me.roles.includes('admin') || me.permissions.includes('*') || me.permissions.includes('security:admin')
  );
}
