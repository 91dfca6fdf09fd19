import { describe, expect, it } from 'vitest';
import { phoneticKey } from './phonetic';

describe('phoneticKey', () => {
  it('writes Quechua and Aymara spelling variants alike', () => {
    const groups = [
      ['Quispe', 'Quispi', 'Kispe', 'Qhispe', 'QUISPE'],
      ['Huaman', 'Guaman', 'Waman', 'Huamán'],
      ['Ccori', 'Cori', 'Qori', 'Qqori', "Q'ori"],
      ['Condori', 'Kondori', 'Cundori'],
      ['Huanca', 'Wanka', 'Guanca'],
      ['Mamani', 'Mamany'],
      ['Ccallo', 'Callo'],
      ['Yupanqui', 'Yupanki'],
      ['Chambi', 'Chambe'],
      ['Ccahuana', 'Cahuana'],
      ['Llamocca', 'Yamoca'],
      ['Huillca', 'Willka'],
    ];
    for (const group of groups) {
      const keys = new Set(group.map(phoneticKey));
      expect(keys.size, group.join('/')).toBe(1);
    }
  });
  it('writes Spanish spelling variants alike', () => {
    for (const group of [
      ['Gonzales', 'González', 'Gonsales'],
      ['Jhon', 'John', 'Jon'],
      ['Thalía', 'Talia'],
      ['Victor', 'Bictor'],
      ['Cecilia', 'Sesilia'],
      ['Yeny', 'Yenny'],
      ['Gerardo', 'Jerardo'],
    ]) {
      expect(new Set(group.map(phoneticKey)).size, group.join('/')).toBe(1);
    }
  });
  it('keeps different names apart', () => {
    for (const [a, b] of [
      ['Quispe', 'Mamani'],
      ['Huamán', 'Huamaní'],
      ['Curi', 'Cusi'],
      ['Juan', 'Jhon'],
      ['María', 'Mario'],
      ['Ramos', 'Rojas'],
      ['Condori', 'Conde'],
    ] as const) {
      expect(phoneticKey(a), `${a}/${b}`).not.toBe(phoneticKey(b));
    }
  });
  it('gives readable keys', () => {
    expect(phoneticKey('Huamán')).toBe('waman');
    expect(phoneticKey('Quispe')).toBe('kispi');
    expect(phoneticKey('Ccori')).toBe('kuri');
    expect(phoneticKey('Chambi')).toBe('cambi');
    expect(phoneticKey('María Luz')).toBe('maria lus');
    expect(phoneticKey('')).toBe('');
  });
});
