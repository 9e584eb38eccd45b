import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSchedulerConfig, type ExtenderConfig } from './scheduler.js';

const extender: ExtenderConfig = {
  urlPrefix: 'http://127.0.0.1:23000/scheduler',
  filterVerb: 'predicates',
  prioritizeVerb: 'priorities',
  weight: 10,
  nodeCacheCapable: true,
  ignorable: true,
  managedResources: [{ name: 'openlocal/lvm', ignoredByScheduler: true }],
};

describe('renderSchedulerConfig', () => {
  it('writes the Open-Local extender stanza unchanged under extenders', () => {
    const config = parse(renderSchedulerConfig({ kubeconfigPath: '/k/admin.kubeconfig', schedulerName: 'with-extender', extenders: [extender] })) as Record<string, unknown>;
    expect(config).toEqual({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      clientConnection: { kubeconfig: '/k/admin.kubeconfig' },
      leaderElection: { leaderElect: false },
      profiles: [{ schedulerName: 'with-extender' }],
      extenders: [extender],
    });
  });

  it('leaves extenders out and names the default profile when none are given', () => {
    const config = parse(renderSchedulerConfig({ kubeconfigPath: '/k' })) as Record<string, unknown>;
    expect(config.extenders).toBeUndefined();
    expect(config.profiles).toEqual([{ schedulerName: 'default-scheduler' }]);
  });

  it.each([
    { name: 'a URL without a scheme', change: { urlPrefix: '127.0.0.1:23000' }, message: 'extenders[0].urlPrefix must be an http(s) URL, got "127.0.0.1:23000"' },
    { name: 'a non-http URL', change: { urlPrefix: 'ftp://x/scheduler' }, message: 'extenders[0].urlPrefix must be an http(s) URL' },
    { name: 'a zero weight', change: { weight: 0 }, message: 'extenders[0].weight must be a positive integer, got 0' },
    { name: 'a fractional weight', change: { weight: 1.5 }, message: 'extenders[0].weight must be a positive integer, got 1.5' },
    { name: 'a prioritize verb without weight', change: { weight: undefined }, message: 'extenders[0].weight is required' },
    { name: 'a verb with a space', change: { filterVerb: 'pred icates' }, message: 'extenders[0].filterVerb must be a path segment' },
  ])('refuses $name, naming the field', ({ change, message }) => {
    expect(() => renderSchedulerConfig({ kubeconfigPath: '/k', extenders: [{ ...extender, ...change }] })).toThrow(message);
  });

  it('refuses a scheduler name that is not a DNS label', () => {
    expect(() => renderSchedulerConfig({ kubeconfigPath: '/k', schedulerName: 'Bad_Name' })).toThrow('schedulerName must be a DNS label, got "Bad_Name"');
  });
});
