import { describe, expect, it } from 'vitest';
import { isPrivateAddress, pinnedLookup, resolveWebhookHost, webhookUrlRefusal } from './address';

describe('addresses webhooks may not reach', () => {
  it.each([
    ['10.0.0.1'],
    ['10.255.255.255'],
    ['172.16.0.1'],
    ['172.31.255.254'],
    ['192.168.1.10'],
    ['127.0.0.1'],
    ['127.1.2.3'],
    ['169.254.169.254'],
    ['0.0.0.0'],
    ['100.100.100.200'],
    ['224.0.0.1'],
    ['255.255.255.255'],
    ['::1'],
    ['::'],
    ['fc00::1'],
    ['fd12:3456:789a::1'],
    ['fe80::1'],
    ['fe80::1%eth0'],
    ['febf::1'],
    ['fec0::1'],
    ['100::1'],
    ['2001::1'],
    ['ff02::1'],
    ['::ffff:127.0.0.1'],
    ['::ffff:7f00:1'],
    ['::ffff:10.1.2.3'],
    ['::ffff:a9fe:a9fe'],
    ['::127.0.0.1'],
    ['64:ff9b::a9fe:a9fe'],
    ['2002:7f00:1::1'],
    ['[::1]'],
    ['not-an-address'],
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    ['8.8.8.8'],
    ['200.48.225.130'],
    ['172.15.255.255'],
    ['172.32.0.1'],
    ['192.169.0.1'],
    ['169.253.1.1'],
    ['11.0.0.1'],
    ['2800:200:e840::1'],
    ['2001:4860:4860::8888'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::808:808'],
  ])('lets %s through', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses at subscription time localhost and literal non-public addresses, in any spelling', () => {
    for (const url of [
      'http://localhost:8080/hook',
      'http://LOCALHOST./hook',
      'http://api.localhost/hook',
      'http://127.0.0.1/hook',
      'http://2130706433/hook',
      'http://0x7f.1/hook',
      'http://10.1.2.3/hook',
      'http://172.16.5.4/hook',
      'http://192.168.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0:5432/',
      'http://[::1]:8080/hook',
      'http://[fc00::1]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
    ]) {
      expect(webhookUrlRefusal(url), url).not.toBeNull();
    }
    for (const url of [
      'https://his.example.org/tejido',
      'http://200.48.225.130/hook',
      'https://[2800:200::1]/',
    ]) {
      expect(webhookUrlRefusal(url), url).toBeNull();
    }
  });

  it('refuses a name when any of its addresses is not public, and pins the ones it checked', async () => {
    const resolver = async () => [
      { address: '200.48.225.130', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    const url = new URL('https://his.example.org/hook');
    expect(await resolveWebhookHost(url, resolver, false)).toBeNull();
    expect(await resolveWebhookHost(url, resolver, true)).toHaveLength(2);
    expect(await resolveWebhookHost(new URL('http://[::1]/'), resolver, false)).toBeNull();
    const publicOnly = await resolveWebhookHost(
      url,
      async () => [{ address: '2800:200::1', family: 6 }],
      false,
    );
    expect(publicOnly).toEqual([{ address: '2800:200::1', family: 6 }]);
    const lookup = pinnedLookup(publicOnly!);
    const all = await new Promise((resolve) =>
      lookup('his.example.org', { all: true }, (_e, a) => resolve(a)),
    );
    expect(all).toEqual([{ address: '2800:200::1', family: 6 }]);
    const one = await new Promise((resolve) =>
      lookup('his.example.org', {}, (_e, address, family) => resolve([address, family])),
    );
    expect(one).toEqual(['2800:200::1', 6]);
  });
});
