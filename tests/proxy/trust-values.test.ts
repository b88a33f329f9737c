import express from 'express';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/config.js';

const dev = { NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(40) };

/**
 * Whatever the configuration check lets through, createApp hands to Express's `trust proxy`
 * (app.ts): a value it accepts and Express refuses fails the start later, after the database
 * connected, with proxy-addr's message ("invalid range on address") and no setting named.
 */
describe('TRUST_PROXY values the check accepts', () => {
  it.each(['0.0.0.0/0', '::/0', '10.0.0.1/255.0.255.0', '10.0.0.0/0.0.0.0'])(
    'when it is %s, then either the check refuses it naming TRUST_PROXY or Express takes it',
    (value) => {
      let trust: unknown;
      try {
        trust = loadConfig({ ...dev, TRUST_PROXY: value }).TRUST_PROXY;
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect(String(error)).toMatch(/TRUST_PROXY/);
        return;
      }
      expect(() => express().set('trust proxy', trust)).not.toThrow();
    },
  );
});
