const STORAGE_KEY = 'switchboard-admin-token';

/**
 * The admin token: from the URL's `#token=` (a fragment never reaches a server or a Referer
 * header; it is removed from the address bar at once), else from this tab's sessionStorage.
 */
export function takeToken(): string | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    remember(fromUrl);
    history.replaceState(null, '', location.pathname + location.search);
    return fromUrl;
  }
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

export function remember(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token);
}

export function forget(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
