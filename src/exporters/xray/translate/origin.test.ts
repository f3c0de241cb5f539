import type { Attributes } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { makeResourceFragment } from './origin';
import { createSegmentTranslator } from './segment';
import { NODE_RESOURCE, PARENT, createTestTracing } from '../../../../test/helpers/translator';

const fragment = (attrs: Attributes, withMetadata = false) =>
  makeResourceFragment(resourceFromAttributes({ ...NODE_RESOURCE, ...attrs }), withMetadata);

describe('origin', () => {
  it('should map each AWS platform to its origin', () => {
    const origin = (attrs: Attributes) => fragment({ 'cloud.provider': 'aws', ...attrs }).origin;
    expect(origin({ 'cloud.platform': 'aws_ec2' })).toBe('AWS::EC2::Instance');
    expect(origin({ 'cloud.platform': 'aws_ecs' })).toBe('AWS::ECS::Container');
    expect(origin({ 'cloud.platform': 'aws_ecs', 'aws.ecs.launchtype': 'ec2' })).toBe('AWS::ECS::EC2');
    expect(origin({ 'cloud.platform': 'aws_ecs', 'aws.ecs.launchtype': 'fargate' })).toBe('AWS::ECS::Fargate');
    expect(origin({ 'cloud.platform': 'aws_eks' })).toBe('AWS::EKS::Container');
    expect(origin({ 'cloud.platform': 'aws_elastic_beanstalk' })).toBe('AWS::ElasticBeanstalk::Environment');
    expect(origin({ 'cloud.platform': 'aws_app_runner' })).toBe('AWS::AppRunner::Service');
  });

  it('should give no origin on Lambda, off AWS, or without a platform', () => {
    expect(fragment({ 'cloud.provider': 'aws', 'cloud.platform': 'aws_lambda' }).origin).toBeUndefined();
    expect(fragment({ 'cloud.provider': 'gcp', 'cloud.platform': 'aws_ec2' }).origin).toBeUndefined();
    expect(fragment({}).origin).toBeUndefined();
  });
});

describe('resource aws block', () => {
  it('should describe an EC2 instance without null fields', () => {
    expect(
      fragment({
        'cloud.provider': 'aws',
        'cloud.platform': 'aws_ec2',
        'cloud.account.id': '123456789012',
        'cloud.availability_zone': 'us-east-1c',
        'host.id': 'i-00d4d9a0bcd83cd2c',
        'host.type': 't3.micro',
      }).aws,
    ).toEqual({
      account_id: '123456789012',
      ec2: { instance_id: 'i-00d4d9a0bcd83cd2c', availability_zone: 'us-east-1c', instance_size: 't3.micro' },
      xray: { sdk: 'opentelemetry for nodejs', sdk_version: '2.12.1' },
    });
  });

  it('should leave out sub-blocks with nothing in them', () => {
    const aws = makeResourceFragment(resourceFromAttributes({ 'cloud.provider': 'aws', 'cloud.platform': 'aws_ec2' }), false).aws;
    expect(aws).toBeUndefined();
    const ecs = makeResourceFragment(resourceFromAttributes({ 'cloud.platform': 'aws_ecs', 'cloud.account.id': '1' }), false).aws;
    expect(ecs).toEqual({ account_id: '1' });
    expect(Object.keys(ecs ?? {})).toEqual(['account_id']);
  });

  it('should not take a host detector machine id for an EC2 instance off AWS', () => {
    expect(fragment({ 'host.id': 'b0f1c2d3e4' }).aws?.ec2).toBeUndefined();
  });

  it('should describe an ECS Fargate task', () => {
    expect(
      fragment({
        'cloud.provider': 'aws',
        'cloud.platform': 'aws_ecs',
        'aws.ecs.launchtype': 'fargate',
        'container.name': 'backend-flask',
        'container.id': 'abc123',
        'aws.ecs.cluster.arn': 'arn:aws:ecs:us-east-1:123456789012:cluster/cruddur',
        'aws.ecs.task.arn': 'arn:aws:ecs:us-east-1:123456789012:task/cruddur/1',
        'aws.ecs.task.family': 'backend-flask',
        'aws.log.group.arns': ['arn:aws:logs:us-east-1:123456789012:log-group:/cruddur/backend:*'],
      }).aws,
    ).toEqual({
      ecs: {
        container: 'backend-flask',
        container_id: 'abc123',
        cluster_arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/cruddur',
        task_arn: 'arn:aws:ecs:us-east-1:123456789012:task/cruddur/1',
        task_family: 'backend-flask',
        launch_type: 'fargate',
      },
      cloudwatch_logs: [{ log_group: '/cruddur/backend', arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/cruddur/backend:*' }],
      xray: { sdk: 'opentelemetry for nodejs', sdk_version: '2.12.1' },
    });
  });

  it('should describe EKS and Elastic Beanstalk, and log group names joined by &', () => {
    expect(fragment({ 'cloud.platform': 'aws_eks', 'k8s.cluster.name': 'prod', 'k8s.pod.name': 'api-1', 'aws.log.group.names': 'a&b' }).aws).toMatchObject({
      eks: { cluster_name: 'prod', pod: 'api-1' },
      cloudwatch_logs: [{ log_group: 'a' }, { log_group: 'b' }],
    });
    expect(
      fragment({ 'cloud.platform': 'aws_elastic_beanstalk', 'service.namespace': 'cruddur-prod', 'service.version': 'v42', 'service.instance.id': '23' }).aws?.elastic_beanstalk,
    ).toEqual({ environment_name: 'cruddur-prod', version_label: 'v42', deployment_id: 23 });
  });

  it('should mark auto-instrumentation and have no aws block off AWS', () => {
    expect(fragment({ 'telemetry.distro.version': '0.5.0' }).aws?.xray?.auto_instrumentation).toBe(true);
    expect(fragment({ 'cloud.provider': 'azure' }).aws).toBeUndefined();
  });

  it('should take service.version, else container.image.tag', () => {
    expect(fragment({ 'service.version': '1.2.3', 'container.image.tag': 'v1' }).service).toEqual({ version: '1.2.3' });
    expect(fragment({ 'container.image.tag': 'v1' }).service).toEqual({ version: 'v1' });
    expect(fragment({}).service).toBeUndefined();
  });

  it('should choose the Node stack parser for nodejs and javascript only', () => {
    expect(fragment({}).nodeStacks).toBe(true);
    expect(fragment({ 'telemetry.sdk.language': 'javascript' }).nodeStacks).toBe(true);
    expect(fragment({ 'telemetry.sdk.language': 'java' }).nodeStacks).toBe(false);
  });
});

describe('resources with async attributes', () => {
  it('should read only the settled attributes while detectors are pending', async () => {
    let settle: (v: string) => void = () => undefined;
    const pending = new Promise<string>((resolve) => (settle = resolve));
    const resource = resourceFromAttributes({ ...NODE_RESOURCE, 'cloud.provider': 'aws', 'cloud.platform': pending });
    expect(resource.asyncAttributesPending).toBe(true);
    expect(makeResourceFragment(resource, false).origin).toBeUndefined();
    settle('aws_ec2');
    await resource.waitForAsyncAttributes?.();
    expect(makeResourceFragment(resource, false).origin).toBe('AWS::EC2::Instance');
  });
});

describe('resource fields in documents', () => {
  const ecs = createTestTracing({
    ...NODE_RESOURCE,
    'service.version': '2026.11.29',
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_ecs',
    'aws.ecs.launchtype': 'fargate',
    'cloud.region': 'us-east-1',
  });

  it('should put origin, service and the resource aws block on segments only', () => {
    const translate = createSegmentTranslator();
    const segment = translate(ecs.span({ kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } }));
    expect(segment).toMatchObject({
      origin: 'AWS::ECS::Fargate',
      service: { version: '2026.11.29' },
      aws: { ecs: { launch_type: 'fargate' }, xray: { sdk: 'opentelemetry for nodejs' } },
    });
    expect(segment?.metadata).toBeUndefined();
    const child = translate(ecs.span({ kind: SpanKind.INTERNAL, parent: PARENT }));
    expect(child).not.toHaveProperty('origin');
    expect(child).not.toHaveProperty('service');
    expect(child).not.toHaveProperty('aws');
  });

  it('should merge span aws fields over the resource block on an AWS segment', () => {
    const doc = createSegmentTranslator()(ecs.span({ kind: SpanKind.SERVER, attributes: { 'aws.request_id': 'req-1' } }));
    expect(doc?.aws).toMatchObject({ request_id: 'req-1', ecs: { launch_type: 'fargate' } });
  });

  it('should copy resource attributes into segment metadata only when asked', () => {
    const translate = createSegmentTranslator({ resourceMetadata: true });
    const doc = translate(ecs.span({ kind: SpanKind.SERVER }));
    expect(doc?.metadata?.default).toMatchObject({ 'otel.resource.service.name': 'backend-flask', 'otel.resource.cloud.region': 'us-east-1' });
    expect(translate(ecs.span({ parent: PARENT }))?.metadata).toBeUndefined();
  });

  it('should compute the resource fragment once per resource and share frozen objects', () => {
    const translate = createSegmentTranslator();
    const a = translate(ecs.span({ kind: SpanKind.SERVER }));
    const b = translate(ecs.span({ kind: SpanKind.SERVER }));
    expect(a?.aws).toBe(b?.aws);
    expect(Object.isFrozen(a?.aws)).toBe(true);
  });
});
