/** useSystem: the server's version, generators and host, fetched once and shared by the pages. */
import { useEffect, useState } from 'react';
import { api, type SystemInfo } from './api.js';

let cached: Promise<SystemInfo> | undefined;

export function resetSystem(): void {
  cached = undefined;
}

export function useSystem(): SystemInfo | null {
  const [info, setInfo] = useState<SystemInfo | null>(null);
  useEffect(() => {
    cached ??= api.system();
    cached.then(setInfo).catch(() => {
      cached = undefined;
    });
  }, []);
  return info;
}
