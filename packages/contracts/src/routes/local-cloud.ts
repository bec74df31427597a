/**
 * The local cloud's API: the small HTTP service the `flotilla` CLI hosts (packages/cli
 * local-cloud/) that plays the part of a cloud API for the `local` provider, whose nodes are
 * node-daemon processes on this machine. Served by the CLI, called by packages/providers
 * local/local-provider.ts (from inside the Worker). It listens on loopback only, and every route
 * takes auth `localCloud`: `Authorization: Bearer <secret>`, the secret the CLI made once in its
 * state directory and handed the control plane as LOCAL_CLOUD_SECRET (401 otherwise). Node ids
 * are {@link LocalCloudNodeId}s, in bodies and paths alike (400 otherwise): they name directories.
 */
import * as z from 'zod';
import { LocalCloudCreateNodeRequest, LocalCloudNode, LocalCloudNodeId } from '../node.js';
import { LocalCloudRemoteRefs, LocalCloudRemoteRefsRequest } from '../repository-check.js';
import { route } from './route.js';

/** `GET /nodes`: every node process the local cloud started and did not delete. */
export const LocalCloudNodeList = z.object({ nodes: z.array(LocalCloudNode) });
export type LocalCloudNodeList = z.infer<typeof LocalCloudNodeList>;

/** The path parameter of one node's routes. */
const NodeParams = z.object({ nodeId: LocalCloudNodeId });

export const localCloudApi = {
  createNode: route({ method: 'POST', path: '/nodes', auth: 'localCloud', body: LocalCloudCreateNodeRequest, response: LocalCloudNode, status: [201, 200], summary: 'start a node daemon process (200 with the existing one when the node id is known)' }),
  listNodes: route({ method: 'GET', path: '/nodes', auth: 'localCloud', response: LocalCloudNodeList, status: [200], summary: 'the node processes started and not deleted' }),
  getNode: route({ method: 'GET', path: '/nodes/:nodeId', auth: 'localCloud', params: NodeParams, response: LocalCloudNode, status: [200], summary: 'one node process (404 when unknown)' }),
  deleteNode: route({ method: 'DELETE', path: '/nodes/:nodeId', auth: 'localCloud', params: NodeParams, response: LocalCloudNode, status: [200], summary: 'stop a node process and forget it (404 when unknown)' }),
  listRemoteRefs: route({ method: 'POST', path: '/git/remote-refs', auth: 'localCloud', body: LocalCloudRemoteRefsRequest, response: LocalCloudRemoteRefs, status: [200], summary: "a repository on this machine's branches (`git ls-remote --symref`), or why git could not list them" }),
} as const;

export type LocalCloudApi = typeof localCloudApi;
