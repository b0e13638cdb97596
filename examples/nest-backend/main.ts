// A Nest application whose only way in is HARP: HarpBackendModule connects once the app has
// started and hands every request for its routes to the app's own HTTP handler.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HarpTunnel } from 'harp-proxy/backend';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule);
// On SIGTERM or SIGINT: drain (no new requests, those in flight finish), then close.
app.enableShutdownHooks();
// No listen(): init() starts the application, and with it the tunnel.
await app.init();
console.log(`serving ${app.get(HarpTunnel).status().routes.join(', ')} through HARP`);
