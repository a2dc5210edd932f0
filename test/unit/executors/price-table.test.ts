import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costText, loadPriceTable, resourceCost } from '../../../src/executors/aws/price-table.js';

const dir = mkdtempSync(join(tmpdir(), 'prices-'));
const file = (table: unknown) => {
  const path = join(dir, `${Math.random()}.json`);
  writeFileSync(path, JSON.stringify(table));
  return path;
};

describe('the price table', () => {
  it('reads every section, each optional', () => {
    const table = {
      ecs: { vcpu_hour: 0.04048, gb_hour: 0.004445 },
      emr_serverless: { vcpu_hour: 0.052624, gb_hour: 0.0057785, storage_gb_hour: 0.000111 },
    };
    expect(loadPriceTable(file(table))).toEqual(table);
  });

  it('names the file and the field that is wrong', () => {
    const bad = file({ batch: { vcpu_hour: '0.04', gb_hour: 0.005 } });
    expect(() => loadPriceTable(bad)).toThrow(
      `price table ${bad}: batch needs numbers vcpu_hour and gb_hour`,
    );
    expect(() => loadPriceTable(file({ 'emr-serverless': {} }))).toThrow('unknown section emr-serverless');
    expect(() => loadPriceTable(file({ instances: { 'm5.xlarge': {} } }))).toThrow(
      'instances.m5.xlarge needs a number on_demand',
    );
  });

  it('prices vCPU, memory and storage hours, and says so', () => {
    const cost = resourceCost(
      { vcpu_hours: 0.6, memory_gb_hours: 2.4, storage_gb_hours: 3 },
      { vcpu_hour: 0.052624, gb_hour: 0.0057785, storage_gb_hour: 0.000111 },
    );
    expect(cost).toEqual({ usd: 0.045776, vcpu_hours: 0.6, memory_gb_hours: 2.4, storage_gb_hours: 3 });
    expect(costText(cost)).toBe('$0.0458: 0.6000 vCPU-hours, 2.4000 GB-hours, 3.0000 storage GB-hours');
  });
});
