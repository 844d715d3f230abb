import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, envToConfig, readEnv } from '../src/config/config.js';

describe('envToConfig', () => {
  it('gives every unset variable its documented default', () => {
    assert.deepEqual(envToConfig({}), {
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      databaseUrl: 'sqlite:data/flashback.db',
      adminToken: null,
      staleAfterSeconds: 180,
      nodeRetentionDays: 7,
      lateReportDays: 7,
      rawRetentionDays: 0,
      rateLimitPerMinute: 6000,
      logLevel: 'info',
      alerts: {
        allowPrivateTargets: false,
        smtpUrl: null,
        smtpFrom: 'alerts@flashback.invalid',
        dashboardUrl: 'http://127.0.0.1:3000/',
        timeoutMs: 10_000,
        retryBaseMs: 10_000,
        retryMaxMs: 3_600_000,
        giveUpAfterMs: 86_400_000,
        sweepIntervalMs: 2_000,
      },
    });
  });

  it('reads only its own variables, and an empty one as unset', () => {
    assert.deepEqual(readEnv({ PORT: '8080', HOST: '', PATH: '/usr/bin', DATA_DIR: '/srv/fb' }), {
      PORT: '8080',
      DATA_DIR: '/srv/fb',
    });
    assert.equal(envToConfig(readEnv({ DATA_DIR: '/srv/fb' })).databaseUrl, 'sqlite:/srv/fb/flashback.db');
  });

  it('refuses a bad value with one line naming the variable', () => {
    assert.throws(() => envToConfig({ PORT: 'x' }), new ConfigError('PORT must be a whole number from 0 to 65535, got "x"'));
    assert.throws(
      () => envToConfig({ ALERT_RETRY_BASE_MS: '5000', ALERT_RETRY_MAX_MS: '4000' }),
      new ConfigError('ALERT_RETRY_MAX_MS must be a whole number from 5000 to 86400000, got "4000"'),
    );
    assert.throws(() => envToConfig({ LOG_LEVEL: 'loud' }), ConfigError);
  });
});
