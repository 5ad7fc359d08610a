// What the platform hands a widget's server script besides GlideRecord: gs and $sp.
export interface UserContext {
  userId: string;
  userName: string;
  /** Roles the user holds; `admin` passes every hasRole check, as on the platform. */
  roles: string[];
  /** System properties (gs.getProperty). */
  properties: Record<string, string>;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  message: string;
}

export function makeGs(user: UserContext, logs: LogLine[]) {
  const log = (level: LogLine['level']) => (message: unknown) => {
    logs.push({ level, message: String(message) });
  };
  return {
    getProperty: (name: string, fallback?: unknown) =>
      Object.hasOwn(user.properties, name) ? user.properties[name] : fallback === undefined ? null : fallback,
    hasRole: (role: string) => user.roles.includes('admin') || user.roles.includes(String(role)),
    getUserID: () => user.userId,
    getUserName: () => user.userName,
    getMessage: (text: string) => String(text),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    debug: log('debug'),
  };
}

export function makeSp(params: Record<string, string>) {
  return {
    getParameter: (name: string) => (Object.hasOwn(params, name) ? params[name] : null),
  };
}
